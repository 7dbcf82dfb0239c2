import type { TopLevelSpec } from 'vega-lite';
import { textEms } from '../../domains/statistics/chartSpec.js';

/** vega's typings leave out the text metrics it exports. */
interface VegaWithTextMetrics {
  textMetrics: { width: (item: { fontSize?: number }, text: unknown) => number };
}

/**
 * Vega and Vega-Lite, loaded on the first chart: they hold megabytes of code and data that a server
 * answering queries would otherwise carry (and its garbage collector walk) without drawing anything.
 * Without a canvas Vega estimates a text's width as 0.8 em a character, which is too narrow for Chinese
 * (an ideograph is a full em) and lets labels run into each other or off the picture. Measured as a CJK
 * font sets text instead; no other code in the process renders with Vega.
 */
let renderer: Promise<{ vega: typeof import('vega'); compile: typeof import('vega-lite').compile }> | undefined;
function loadRenderer() {
  renderer ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vegaLite]) => {
    (vega as unknown as VegaWithTextMetrics).textMetrics.width = (item, text) => Math.ceil(textEms(String(text ?? '')) * (item.fontSize ?? 11));
    return { vega, compile: vegaLite.compile };
  });
  return renderer;
}

/** A Vega-Lite spec drawn as SVG on the server: no canvas, no browser. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { vega, compile } = await loadRenderer();
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
