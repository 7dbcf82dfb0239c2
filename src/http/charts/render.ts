import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { textEms } from '../../domains/statistics/chartSpec.js';

/**
 * Without a canvas Vega estimates a text's width as 0.8 em a character, which is too narrow for Chinese
 * (an ideograph is a full em) and lets labels run into each other or off the picture. Measured as a CJK
 * font sets text instead; no other code in the process renders with Vega.
 */
(vega as unknown as VegaWithTextMetrics).textMetrics.width = (item, text) => Math.ceil(textEms(String(text ?? '')) * (item.fontSize ?? 11));

/** vega's typings leave out the text metrics it exports. */
interface VegaWithTextMetrics {
  textMetrics: { width: (item: { fontSize?: number }, text: unknown) => number };
}

/** A Vega-Lite spec drawn as SVG on the server: no canvas, no browser. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
