"""Touch standards measured in the page itself: target size, text size, contrast, hover.

`MEASURE` runs in Chromium and returns what breaks the kiosk's standards on
the screen as shown: every button, link, input and option label at least
60×60 CSS px (an input inside an option label is tapped through its label),
text at least 24 px, WCAG contrast of text at least 4.5:1 against the
background actually behind it, and no style that only hover reveals.
"""

MEASURE = r"""
() => {
  const problems = [];
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
      && !el.closest('[hidden]');
  };
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().replace(/\s+/g, '.') : '') +
    ' "' + (el.textContent || el.value || '').trim().slice(0, 30) + '"';

  // Targets: what a finger taps.
  for (const el of document.querySelectorAll('button, a[href], input:not([type=hidden]), select, textarea, label.option')) {
    if (!visible(el)) continue;
    const label = el.closest('label.option');
    const target = (el.tagName === 'INPUT' && label) ? label : el;
    const r = target.getBoundingClientRect();
    if (r.width < 60 || r.height < 60)
      problems.push(`target ${describe(el)} is ${Math.round(r.width)}x${Math.round(r.height)}`);
  }

  // Text: size and contrast, for every element with its own visible text.
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const blend = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const background = (el) => {
    // Composite the backgrounds from the page down to this element.
    const chain = [];
    for (let e = el; e; e = e.parentElement) chain.push(e);
    let color = [255, 255, 255, 1];
    for (const e of chain.reverse()) {
      const s = getComputedStyle(e);
      const bg = parse(s.backgroundColor);
      if (bg[3] > 0) color = blend(bg, color);
    }
    return color;
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a, b) => {
    const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (l1 + 0.05) / (l2 + 0.05);
  };
  let texts = 0;
  for (const el of document.querySelectorAll('body *')) {
    if (!visible(el) || ['SCRIPT', 'STYLE'].includes(el.tagName)) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())
      || (el.tagName === 'INPUT' && ['text', 'number', 'search'].includes(el.type) && el.value);
    if (!own) continue;
    texts += 1;
    const s = getComputedStyle(el);
    const size = parseFloat(s.fontSize);
    if (size < 24) problems.push(`text ${describe(el)} is ${size}px`);
    const bg = background(el);
    const fg = blend(parse(s.color), bg);
    const ratio = contrast(fg, bg);
    if (ratio < 4.5) problems.push(`contrast of ${describe(el)} is ${ratio.toFixed(2)}:1`);
  }

  // Nothing that only hover shows.
  let hover = 0;
  for (const sheet of document.styleSheets) {
    for (const rule of sheet.cssRules) {
      if (rule.selectorText && rule.selectorText.includes(':hover')) hover += 1;
    }
  }
  if (hover) problems.push(`${hover} style rules depend on :hover`);
  return {problems, texts};
}
"""


def check(page) -> list[str]:
    """What on this screen breaks the touch standards (empty when it meets them)."""
    result = page.evaluate(MEASURE)
    assert result["texts"] > 0, "measured no text at all"
    return result["problems"]
