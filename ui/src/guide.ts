// The caseworker's guide (docs/GUIDE.md) as blocks to draw: the app carries a copy, built
// in at build time, and shows it as a page of its own (help.ts). Only the little Markdown
// the guide uses is read: headings, paragraphs, lists, pictures (shown by their
// description), **bold**, `code` and links (shown as their text: the app opens nothing).

export type Inline = { text: string; strong?: boolean; code?: boolean };
export type Block =
  | { kind: "heading"; level: 2 | 3; text: string }
  | { kind: "para"; parts: Inline[] }
  | { kind: "list"; ordered: boolean; items: Inline[][] }
  | { kind: "picture"; alt: string };

/** Inline Markdown to plain runs: links become their text, images are dropped. */
export function inline(text: string): Inline[] {
  const plain = text.replace(/!\[[^\]]*\]\([^)]*\)/g, "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
  const out: Inline[] = [];
  const re = /\*\*([^*]+)\*\*|`([^`]+)`/g;
  let last = 0;
  for (let m = re.exec(plain); m; m = re.exec(plain)) {
    if (m.index > last) out.push({ text: plain.slice(last, m.index) });
    out.push(m[1] !== undefined ? { text: m[1], strong: true } : { text: m[2], code: true });
    last = m.index + m[0].length;
  }
  if (last < plain.length) out.push({ text: plain.slice(last) });
  // *emphasis* is shown as plain text (its stars removed).
  return out.map((p) => (p.code ? p : { ...p, text: p.text.replace(/(^|[\s(])\*([^*\s][^*]*)\*/g, "$1$2") }));
}

/** The guide's Markdown as blocks. Its "# " title is left out (the page has its own h1);
 *  "##" and "###" become h2 and h3, so the page's headings never skip a level. */
export function parseGuide(md: string): Block[] {
  const blocks: Block[] = [];
  let para: string[] = [];
  let list: { ordered: boolean; items: string[] } | null = null;
  const flush = () => {
    if (para.length) blocks.push({ kind: "para", parts: inline(para.join(" ")) });
    para = [];
    if (list) blocks.push({ kind: "list", ordered: list.ordered, items: list.items.map(inline) });
    list = null;
  };
  for (const raw of md.split("\n")) {
    const line = raw.trimEnd();
    const heading = /^(#{1,3}) (.*)$/.exec(line);
    const picture = /^!\[([^\]]*)\]\([^)]*\)$/.exec(line.trim());
    const item = /^(-|\d+\.) (.*)$/.exec(line);
    if (!line.trim()) {
      flush();
    } else if (heading) {
      flush();
      if (heading[1].length > 1) blocks.push({ kind: "heading", level: heading[1].length === 2 ? 2 : 3, text: heading[2].trim() });
    } else if (picture) {
      flush();
      blocks.push({ kind: "picture", alt: picture[1] });
    } else if (item) {
      const ordered = item[1] !== "-";
      if (para.length || (list && list.ordered !== ordered)) flush();
      if (!list) list = { ordered, items: [] };
      list.items.push(item[2]);
    } else if (list && /^\s+\S/.test(line)) {
      list.items[list.items.length - 1] += ` ${line.trim()}`;
    } else {
      if (list) flush();
      para.push(line.trim());
    }
  }
  flush();
  return blocks;
}
