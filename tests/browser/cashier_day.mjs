// Issue 22: a cashier's day, at a desktop (1366×768) and a phone (390×844). The cashier searches
// «alvarez», opens the client, calculates a loan («Calcular») and applies; a manager approves it with
// the preview on the page and disburses it, told the net amount to hand over; the cashier registers a
// payment, opens its receipt and prints it (page.pdf(), kept with the screenshots), then opens her count
// of the day, filtered to her, with its total. No page is wider than the viewport.
import { args, check, launch, outDir, run, signIn } from "./lib.mjs";

const { base, password, out } = args(["base", "password", "out"]);

const VIEWPORTS = [
  { name: "escritorio", width: 1366, height: 768 },
  { name: "telefono", width: 390, height: 844 },
];

function cents(text) {
  const clean = text.replace(/[$,\s]/g, "");
  const [whole, frac = "0"] = clean.split(".");
  return Number(whole) * 100 + Number(frac.padEnd(2, "0"));
}

async function fits(page, where) {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  check(scroll <= inner, `${where}: the page is ${scroll} px wide in a ${inner} px viewport`);
}

async function as(browser, viewport, email, fn) {
  const context = await browser.newContext({ viewport, locale: "es-MX" });
  const page = await context.newPage();
  page.on("dialog", (dialog) => dialog.accept());
  try {
    await signIn(page, base, "demo", email, password);
    return await fn(page);
  } finally {
    await context.close();
  }
}

/// Clicks and waits for the page the post/redirect/get leads to.
async function navigated(page, click) {
  await Promise.all([page.waitForEvent("framenavigated", { predicate: (f) => f === page.mainFrame() }), click]);
  await page.waitForLoadState("load");
}

run(async () => {
  const dir = outDir(out);
  const browser = await launch();
  try {
    for (const viewport of VIEWPORTS) {
      const shot = (page, name) => page.screenshot({ path: `${dir}/${viewport.name}-${name}.png`, fullPage: true });
      const v = { width: viewport.width, height: viewport.height };

      const loanUrl = await as(browser, v, "cajero@demo.mx", async (page) => {
        await page.fill("#buscar", "alvarez");
        await navigated(page, page.press("#buscar", "Enter"));
        await fits(page, "search results");
        const hit = page.locator("main a", { hasText: "Álvarez" }).first();
        check(await hit.count() > 0, "searching «alvarez» finds the clients named Álvarez");
        await shot(page, "01-busqueda");
        await navigated(page, hit.click());
        check((await page.textContent("h1")).includes("Álvarez"), "the client's page opens");

        // An option reads the product with its limits («Quincenal fijo 12 — $1,000.00 a …»): chosen by name.
        const product = await page.$eval("#product", (select) =>
          [...select.options].find((o) => o.text.startsWith("Quincenal fijo 12"))?.value,
        );
        check(product, "the product is offered");
        await page.selectOption("#product", product);
        await page.fill("#principal", "8,000.00");
        await navigated(page, page.click("#calcular"));
        check(await page.isVisible("#vista-previa"), "«Calcular» shows the loan before anything is stored");
        const installments = await page.$$eval("#calendario-previo tbody tr", (trs) => trs.length);
        check(installments === 12, `the preview has 12 installments (${installments})`);
        check((await page.textContent("#cat-previo")).includes("%"), "the preview shows the CAT");
        check((await page.inputValue("#principal")) === "8,000.00", "the form keeps what was typed");
        await fits(page, "the application preview");
        await shot(page, "02-vista-previa");

        await Promise.all([page.waitForURL(/\/prestamos\/\d+/), page.click("#solicitar")]);
        check((await page.textContent("#loan-status")).includes("En revisión"), "the application waits for approval");
        return page.url().split("?")[0];
      });
      const loanPath = new URL(loanUrl).pathname;

      const net = await as(browser, v, "gerente@demo.mx", async (page) => {
        await page.goto(`${base}/prestamos/aprobacion`);
        await fits(page, "the approval queue");
        check(await page.locator(`#por-aprobar a[href="${loanPath}"]`).count() > 0, "the application is in «Por aprobar»");
        await shot(page, "03-por-aprobar");
        await navigated(page, page.locator(`#por-aprobar a[href="${loanPath}"]`).first().click());
        check(await page.isVisible("#vista-previa"), "the approval page shows the preview");
        check(await page.isVisible("#otros-prestamos"), "the approval page lists the client's other loans");
        await fits(page, "the approval page");
        await shot(page, "04-aprobacion");
        await navigated(page, page.click("#aprobar"));
        check((await page.textContent("#loan-status")).includes("Aprobado"), "a second person approves");
        const net = await page.textContent("#neto-a-entregar");
        await navigated(page, page.click("#dispersar"));
        const notice = await page.textContent(".notice.ok");
        check(notice.includes(`entregue al cliente ${net}`), `the disbursement names the net amount ${net} (${notice})`);
        await shot(page, "05-dispersado");
        return net;
      });
      check(cents(net) > 0, `a net amount to hand over (${net})`);

      await as(browser, v, "cajero@demo.mx", async (page) => {
        await page.goto(`${base}/pagos`);
        await navigated(page, page.click("#mi-corte"));
        const before = cents((await page.textContent("#total-cobrado")) || "0");

        await page.goto(loanUrl);
        await page.fill("#amount", "750.00");
        await page.fill("#reference", `recibo-${viewport.name}`);
        await navigated(page, page.click("#pago button[type=submit]"));
        check((await page.textContent(".notice.ok")).includes("Pago registrado"), "the payment is confirmed");
        // The loan page on paper: no sidebar, forms or buttons; the schedule is there.
        await page.emulateMedia({ media: "print" });
        check(!(await page.isVisible("aside.side")), "the loan page prints without the sidebar");
        check(!(await page.isVisible("#pago")), "the loan page prints without the payment form");
        check(await page.isVisible("#calendario"), "the loan page prints its schedule");
        await page.pdf({ path: `${dir}/${viewport.name}-prestamo.pdf`, format: "A4", printBackground: true });
        await page.emulateMedia({ media: "screen" });
        await navigated(page, page.click("#ver-recibo"));
        const folio = await page.textContent("#folio");
        check(/^\d+-\d{2}$/.test(folio), `the receipt has a folio (${folio})`);
        check((await page.textContent("#importe")) === "$750.00", "the receipt shows the amount");
        await fits(page, "the receipt");
        await shot(page, "06-recibo");
        await page.emulateMedia({ media: "print" });
        check(!(await page.isVisible("aside.side")), "the sidebar is not printed");
        check(!(await page.isVisible("#imprimir")), "the print button is not printed");
        await page.pdf({ path: `${dir}/${viewport.name}-recibo-${folio}.pdf`, format: "A5", printBackground: true });
        await page.emulateMedia({ media: "screen" });

        await page.goto(`${base}/pagos`);
        await navigated(page, page.click("#mi-corte"));
        await fits(page, "the cashier's count of the day");
        const listed = await page.textContent("#lista-pagos tbody");
        check(listed.includes(`recibo-${viewport.name}`), "the day's list filtered to her shows the payment");
        const after = cents(await page.textContent("#total-cobrado"));
        check(after === before + 75000, `her total grew by $750.00 (${before} → ${after})`);
        await shot(page, "07-corte-de-caja");
      });
    }
    console.log(`ok: a cashier's day at ${VIEWPORTS.length} viewports, screenshots and receipts in ${dir}`);
  } finally {
    await browser.close();
  }
});
