// Issue 22, defect 9 and the walk's layout findings: every page of the back office, as the demo admin
// sees it (the role that sees every page) — the sidebar's pages and every page with an id, reached by
// its link (client, loan, approval, product, cut, statement, receipt, backups, a user's pages), and the
// sign-in page — at a desktop (1366×768) and a phone (390×844) viewport.
// On each page: nothing wider than the viewport (tables scroll inside their own container), exactly
// one h1, every input labelled, every status badge at WCAG AA contrast (4.5:1), and no KPI amount
// broken over two lines. A full-page screenshot of each is kept in the output directory.
import { args, check, launch, outDir, run, signIn } from "./lib.mjs";

const { base, password, out } = args(["base", "password", "out"]);

const VIEWPORTS = [
  { name: "escritorio", width: 1366, height: 768 },
  { name: "telefono", width: 390, height: 844 },
];

// The first link on `path` whose address matches `pattern`: the pages with an id are reached the way a
// person reaches them, from their list.
async function firstLink(page, path, pattern) {
  await page.goto(`${base}${path}`);
  const hrefs = await page.$$eval("main a[href]", (as) => as.map((a) => a.getAttribute("href")));
  return hrefs.find((h) => pattern.test(h));
}

// What the page itself measures: overflow, headings, unlabelled inputs, badge contrast, wrapped amounts.
async function inspect(page) {
  return page.evaluate(() => {
    const luminance = (rgb) => {
      const [r, g, b] = rgb.map((c) => {
        const v = c / 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const channels = (css) => (css.match(/[\d.]+/g) || []).slice(0, 4).map(Number);
    // The colour behind an element: its own background, or the nearest ancestor's that is not transparent.
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = channels(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const contrast = (el) => {
      const fg = luminance(channels(getComputedStyle(el).color).slice(0, 3));
      const bg = luminance(background(el));
      return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    };
    const labelled = (input) => {
      if (input.getAttribute("aria-label") || input.getAttribute("aria-labelledby")) return true;
      if (input.closest("label")) return true;
      return input.id !== "" && document.querySelector(`label[for="${CSS.escape(input.id)}"]`) !== null;
    };
    const inputs = [...document.querySelectorAll("input, select, textarea")].filter(
      (i) => !["hidden", "submit", "button"].includes(i.type),
    );
    const lineHeight = (el) => parseFloat(getComputedStyle(el).lineHeight) || parseFloat(getComputedStyle(el).fontSize) * 1.3;
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      h1: document.querySelectorAll("h1").length,
      htmx: document.querySelector('script[src*="htmx"]') !== null,
      unlabelled: inputs.filter((i) => !labelled(i)).map((i) => i.outerHTML.slice(0, 120)),
      lowContrast: [...document.querySelectorAll(".status, .badge")]
        .map((b) => ({ text: b.textContent.trim(), ratio: contrast(b) }))
        .filter((b) => b.ratio < 4.5),
      wrappedAmounts: [...document.querySelectorAll(".card .value")]
        .filter((v) => v.getBoundingClientRect().height > lineHeight(v) * 1.5)
        .map((v) => v.textContent.trim()),
    };
  });
}

// What fails on a page, as lines of the report.
function problems(seen, where, viewport) {
  const failures = [];
  if (seen.scrollWidth > seen.innerWidth) {
    failures.push(`${where}: the page is ${seen.scrollWidth} px wide in a ${seen.innerWidth} px viewport`);
  }
  if (seen.h1 !== 1) failures.push(`${where}: ${seen.h1} h1 elements`);
  if (seen.htmx) failures.push(`${where}: loads htmx, which no finished page uses`);
  for (const input of seen.unlabelled) failures.push(`${where}: an input without a label: ${input}`);
  for (const badge of seen.lowContrast) {
    failures.push(`${where}: badge «${badge.text}» has contrast ${badge.ratio.toFixed(2)}:1`);
  }
  if (viewport.width === 1366) {
    for (const amount of seen.wrappedAmounts) failures.push(`${where}: the amount «${amount}» wraps`);
  }
  return failures;
}

run(async () => {
  const dir = outDir(out);
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: VIEWPORTS[0], locale: "es-MX" });
    const page = await context.newPage();
    const failures = [];
    // The sign-in page, the one page read before signing in, at both viewports too.
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize({ width: viewport.width, height: viewport.height });
      const answer = await page.goto(`${base}/login`);
      check(answer.ok(), `GET /login answers ${answer.status()}`);
      failures.push(...problems(await inspect(page), `/login at ${viewport.width}×${viewport.height}`, viewport));
      await page.screenshot({ path: `${dir}/${viewport.name}-login.png`, fullPage: true });
    }
    await page.setViewportSize({ width: VIEWPORTS[0].width, height: VIEWPORTS[0].height });
    await signIn(page, base, "demo", "admin@demo.mx", password);
    const nav = await page.$$eval("nav a[href]", (as) => as.map((a) => a.getAttribute("href")));
    const pages = [...nav, "/productos", "/cuenta/contrasena"];
    // The pages with an id, each reached from a page before it: an entry's `from` is a path, or the key
    // of a page found earlier (a loan's statement is reached from the cut that made it).
    const found = {};
    for (const [key, from, pattern] of [
      ["cliente", "/clientes", /^\/clientes\/\d+$/],
      ["prestamo", "/prestamos?estado=disbursed", /^\/prestamos\/\d+$/],
      ["aprobacion", "/prestamos/aprobacion", /^\/prestamos\/\d+$/],
      ["producto", "/productos", /^\/productos\/\d+$/],
      ["corte", "/cortes", /^\/cortes\/\d{4}-\d{2}-\d{2}$/],
      ["estado", "corte", /^\/prestamos\/\d+\/estados\/\d{4}-\d{2}-\d{2}$/],
      ["recibo", "/pagos", /^\/pagos\/\d+\/recibo$/],
      ["respaldos", "/tareas", /^\/respaldos$/],
      ["desactivar", "/usuarios", /^\/usuarios\/\d+\/desactivar$/],
      ["contrasena", "/usuarios", /^\/usuarios\/\d+\/contrasena$/],
    ]) {
      const path = from.startsWith("/") ? from : found[from];
      found[key] = path && (await firstLink(page, path, pattern));
      check(found[key], `a link to the ${key} page on ${path} (the demo has one)`);
      pages.push(found[key]);
    }
    const unique = [...new Set(pages)];

    const icon = await page.request.get(`${base}/favicon.ico`);
    check(icon.ok(), `/favicon.ico answers ${icon.status()}`);

    for (const viewport of VIEWPORTS) {
      await page.setViewportSize({ width: viewport.width, height: viewport.height });
      for (const path of unique) {
        const answer = await page.goto(`${base}${path}`);
        check(answer.ok(), `GET ${path} answers ${answer.status()}`);
        failures.push(...problems(await inspect(page), `${path} at ${viewport.width}×${viewport.height}`, viewport));
        const name = path === "/" ? "panel" : path.slice(1).replace(/[/?=&]/g, "_");
        await page.screenshot({ path: `${dir}/${viewport.name}-${name}.png`, fullPage: true });
      }
    }
    check(failures.length === 0, `layout failures:\n${failures.join("\n")}`);
    console.log(`ok: ${unique.length} pages at ${VIEWPORTS.length} viewports, screenshots in ${dir}`);
  } finally {
    await browser.close();
  }
});
