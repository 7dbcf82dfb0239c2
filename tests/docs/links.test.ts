import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Every relative link of the README and docs/ (every .md under it) leads to a file of the repository, and every #anchor to a heading there. */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const documents = [
  'README.md',
  'seeds/README.md',
  'seeds/DATA.md',
  ...readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name.split(sep).join('/')}`)
    .sort(),
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
const anchorsOf = (file: string) =>
  new Set(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => /^#{1,6} /.test(line))
      .map((line) => slug(line.replace(/^#+ /, ''))),
  );

let linksChecked = 0;

describe('links in the documentation', () => {
  it.each(documents)('%s: every relative link resolves', (document) => {
    const path = join(root, document);
    const text = readFileSync(path, 'utf8').replace(/```[\s\S]*?```/g, '');
    const broken: string[] = [];
    let checked = 0;
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target!)) continue; // http(s), mailto: not this test's business
      const [file, anchor] = target!.split('#');
      const resolved = file ? resolve(dirname(path), file) : path;
      checked += 1;
      if (!existsSync(resolved)) broken.push(`${target} (no ${relative(root, resolved)})`);
      else if (anchor && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor)) broken.push(`${target} (no heading #${anchor})`);
    }
    expect(broken).toEqual([]);
    linksChecked += checked;
  });

  it('found the links to check (the pattern still matches how links are written)', () => {
    expect(linksChecked).toBeGreaterThan(10);
  });
});
