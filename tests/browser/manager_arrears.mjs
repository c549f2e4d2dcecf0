// Issue 22: a manager through the arrears, at a desktop (1366×768) and a phone (390×844): the loans list
// filtered to one bucket and sorted most days late first, then the dashboard's portfolio by bucket with
// PAR15/PAR30, whose bucket links lead back to the filtered list. No page is wider than the viewport.
import { args, check, launch, outDir, run, signIn } from "./lib.mjs";

const { base, password, out } = args(["base", "password", "out"]);

const VIEWPORTS = [
  { name: "escritorio", width: 1366, height: 768 },
  { name: "telefono", width: 390, height: 844 },
];

async function fits(page, where) {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  check(scroll <= inner, `${where}: the page is ${scroll} px wide in a ${inner} px viewport`);
}

async function navigated(page, click) {
  await Promise.all([page.waitForEvent("framenavigated", { predicate: (f) => f === page.mainFrame() }), click]);
  await page.waitForLoadState("load");
}

run(async () => {
  const dir = outDir(out);
  const browser = await launch();
  try {
    for (const viewport of VIEWPORTS) {
      const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height }, locale: "es-MX" });
      const page = await context.newPage();
      const shot = (name) => page.screenshot({ path: `${dir}/${viewport.name}-${name}.png`, fullPage: true });
      await signIn(page, base, "demo", "gerente@demo.mx", password);

      await page.goto(`${base}/prestamos`);
      await page.selectOption("#filtro-atraso", { label: "Más de 90 días" });
      await navigated(page, page.click("form.toolbar button[type=submit]"));
      const buckets = await page.$$eval("#prestamos tbody td.atraso .status", (s) => s.map((b) => b.textContent.trim()));
      check(buckets.length > 0, "the demo has loans more than 90 days late");
      check(buckets.every((b) => b === "Más de 90 días"), `only that bucket is listed (${buckets})`);
      await fits(page, "the loans list filtered by bucket");
      await shot("01-prestamos-mas-de-90");

      await page.selectOption("#filtro-atraso", { value: "" });
      await navigated(page, page.click("form.toolbar button[type=submit]"));
      await navigated(page, page.click("#orden-atraso"));
      const days = await page.$$eval("#prestamos tbody td.atraso", (tds) => tds.map((td) => Number(td.dataset.dias)));
      check(days.length > 1, "active loans are listed by arrears");
      check(days.every((d, i) => i === 0 || days[i - 1] >= d), `most days late first (${days.slice(0, 10)})`);
      await fits(page, "the loans list sorted by arrears");
      await shot("02-prestamos-por-atraso");

      await page.goto(`${base}/`);
      const par15 = await page.textContent("#par15");
      const par30 = await page.textContent("#par30");
      check(/^\d+\.\d{2} %$/.test(par15) && /^\d+\.\d{2} %$/.test(par30), `PAR15 ${par15} and PAR30 ${par30} are shown`);
      const lines = await page.$$eval("#cartera-atraso tbody tr", (trs) => trs.length);
      check(lines === 6, `six buckets on the dashboard (${lines})`);
      await fits(page, "the dashboard");
      await page.locator("#cartera-por-atraso").scrollIntoViewIfNeeded();
      await shot("03-panel-par");
      await navigated(page, page.locator("#cartera-atraso a", { hasText: "31 a 60 días" }).click());
      const listed = await page.$$eval("#prestamos tbody td.atraso .status", (s) => s.map((b) => b.textContent.trim()));
      check(listed.every((b) => b === "31 a 60 días"), `the bucket's link lists that bucket (${listed})`);
      await shot("04-prestamos-31-a-60");
      await context.close();
    }
    console.log(`ok: the arrears walk at ${VIEWPORTS.length} viewports, screenshots in ${dir}`);
  } finally {
    await browser.close();
  }
});
