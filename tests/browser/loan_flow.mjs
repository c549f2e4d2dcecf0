// The lending walk of issue 10: a cashier registers a client and applies for a loan; a manager (a second
// user) approves and disburses it; the cashier registers two payments; the manager reverses one. Balances
// are read from the page at every step; screenshots are saved.
import { args, check, launch, outDir, run, signIn } from "./lib.mjs";

const { base, password, out } = args(["base", "password", "out"]);

function cents(text) {
  const clean = text.replace(/[$,\s]/g, "");
  const [whole, frac = "0"] = clean.split(".");
  return Number(whole) * 100 + Number(frac.padEnd(2, "0"));
}

async function outstanding(page) {
  return cents(await page.textContent("#outstanding"));
}

async function as(browser, email, fn) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "es-MX" });
  const page = await context.newPage();
  page.on("dialog", (dialog) => dialog.accept());
  try {
    await signIn(page, base, "demo", email, password);
    return await fn(page);
  } finally {
    await context.close();
  }
}

/// Clicks a form's button and waits for the page the redirect leads to (post/redirect/get): the loan page
/// comes back at its own address, so its notice, not the URL, says the change went through.
async function submitted(page, click, notice) {
  await Promise.all([page.waitForEvent("framenavigated", { predicate: (f) => f === page.mainFrame() }), click]);
  await page.waitForLoadState("load");
  const said = await page.textContent(".notice.ok");
  check(said !== null && said.includes(notice), `the page says «${notice}» (${said})`);
}

run(async () => {
  const dir = outDir(out);
  const browser = await launch();
  try {
    const phone = `55${String(Date.now()).slice(-8)}`;
    const loanUrl = await as(browser, "cajero@demo.mx", async (page) => {
      await page.goto(`${base}/clientes`);
      await page.fill("#full_name", "Lucía Hernández Prueba");
      await page.fill("#phone", phone);
      await page.fill("#birth_date", "1990-05-17");
      await Promise.all([page.waitForURL(/\/clientes\/\d+$/), page.click("form.card button[type=submit]")]);
      check((await page.textContent("h1")).includes("Lucía Hernández Prueba"), "the new client's page opens");
      await page.screenshot({ path: `${dir}/01-cliente.png`, fullPage: true });

      // An option reads the product with its limits («Quincenal fijo 12 — $1,000.00 a …»): chosen by name.
      const product = await page.$eval("#product", (select) =>
        [...select.options].find((o) => o.text.startsWith("Quincenal fijo 12"))?.value,
      );
      check(product, "the product is offered with its limits");
      await page.selectOption("#product", product);
      await page.fill("#principal", "10,000.00");
      await Promise.all([page.waitForURL(/\/prestamos\/\d+/), page.click("#solicitar")]);
      check((await page.textContent("#loan-status")).includes("En revisión"), "the application waits for approval");
      const body = await page.textContent("main");
      check(!body.includes("Aprobar"), "the cashier is not offered the approval");
      await page.screenshot({ path: `${dir}/02-solicitud.png`, fullPage: true });
      return page.url().split("?")[0];
    });

    const afterDisbursement = await as(browser, "gerente@demo.mx", async (page) => {
      await page.goto(`${base}/prestamos/aprobacion`);
      check((await page.textContent("table")).includes("Lucía Hernández Prueba"), "the application is in the approval queue");
      await page.goto(loanUrl);
      await submitted(page, page.click("#aprobar"), "Préstamo aprobado");
      check((await page.textContent("#loan-status")).includes("Aprobado"), "a second user approves");
      await submitted(page, page.click("#dispersar"), "Préstamo dispersado");
      check((await page.textContent("#loan-status")).includes("Activo"), "the loan is disbursed");
      const rows = await page.$$eval("#calendario tbody tr", (trs) => trs.length);
      check(rows === 12, `the stored schedule has 12 installments (${rows})`);
      check((await page.textContent("#cat")).includes("%"), "the CAT is shown");
      await page.screenshot({ path: `${dir}/03-dispersado.png`, fullPage: true });
      return outstanding(page);
    });
    // Quincenal fijo 12 at 3.5 %: 12 × (833.33… principal + 350.00 interest + 56.00 IVA) = 14,872.00.
    check(afterDisbursement === 1487200, `the payoff after disbursement is $14,872.00 (${afterDisbursement})`);

    const afterPayments = await as(browser, "cajero@demo.mx", async (page) => {
      await page.goto(loanUrl);
      for (const amount of ["1,000.00", "500.00"]) {
        await page.fill("#amount", amount);
        await page.fill("#reference", `caja-${amount}`);
        await submitted(page, page.click("#pago button[type=submit]"), "Pago registrado");
      }
      check((await page.textContent(".notice.ok")).includes("Pago registrado"), "the payment is confirmed");
      const listed = await page.$$eval("#pagos tbody tr", (trs) => trs.length);
      check(listed === 2, `two payments are listed (${listed})`);
      check(!(await page.textContent("main")).includes("Reversar"), "the cashier is not offered reversals");
      const applied = await page.textContent("#pagos");
      check(applied.includes("Cuota 1: IVA $56.00, interés $350.00, capital $594.00"),
        "the first payment shows its allocation: IVA, then interest, then principal");
      await page.screenshot({ path: `${dir}/04-pagos.png`, fullPage: true });
      return { outstanding: await outstanding(page), paid: cents(await page.textContent("#total-paid")) };
    });
    check(afterPayments.paid === 150000, `$1,500.00 paid (${afterPayments.paid})`);
    check(afterPayments.outstanding === afterDisbursement - 150000, `the balance fell by $1,500.00 (${afterPayments.outstanding})`);

    const afterReversal = await as(browser, "gerente@demo.mx", async (page) => {
      await page.goto(loanUrl);
      const row = page.locator("#pagos tbody tr", { hasText: "caja-500.00" });
      await row.locator("input[name=reason]").fill("Capturado por error");
      await submitted(page, row.locator("button").click(), "Pago reversado");
      const reversed = await page.$$eval("#pagos tbody tr.reversed", (trs) => trs.length);
      check(reversed === 1, `one payment shows as reversed (${reversed})`);
      await page.screenshot({ path: `${dir}/05-reversa.png`, fullPage: true });
      return { outstanding: await outstanding(page), paid: cents(await page.textContent("#total-paid")) };
    });
    check(afterReversal.paid === 100000, `$1,000.00 remains paid (${afterReversal.paid})`);
    check(afterReversal.outstanding === afterDisbursement - 100000, `the reversal restored $500.00 (${afterReversal.outstanding})`);
    console.log(`ok: loan ${loanUrl}; balances ${afterDisbursement} → ${afterPayments.outstanding} → ${afterReversal.outstanding}`);
  } finally {
    await browser.close();
  }
});
