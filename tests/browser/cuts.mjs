// The period cut in the back office (issue 17): the cuts page shows a cut's summary; a loan's statement opens as a page and as a PDF (saved
// here; the Rust driver turns its first page into a PNG with pdftoppm); the portfolio report draws the
// PAR chart; the jobs page shows the next cut as local time (dd/mm/aaaa HH:MM CST). Screenshots are saved.
import { writeFileSync } from "node:fs";
import { args, check, launch, outDir, run, signIn } from "./lib.mjs";

const { base, password, out } = args(["base", "password", "out"]);

run(async () => {
  const dir = outDir(out);
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "es-MX" });
    const page = await context.newPage();
    await signIn(page, base, "demo", "admin@demo.mx", password);

    await page.goto(`${base}/cortes`);
    const first = page.locator("#cortes tbody tr").first();
    check((await first.textContent()).includes("Terminado"), "the latest cut is done");
    await page.screenshot({ path: `${dir}/02-cortes.png`, fullPage: true });
    await Promise.all([page.waitForURL(/\/cortes\/\d{4}-\d{2}-\d{2}$/), first.locator("a").first().click()]);
    const summary = await page.textContent("#resumen");
    for (const label of ["Préstamos", "Cobrado en el periodo", "Vencido al corte", "PAR15", "PAR30"]) {
      check(summary.includes(label), `the cut's summary shows ${label}`);
    }
    await page.screenshot({ path: `${dir}/03-corte.png`, fullPage: true });

    const statementLink = page.locator("#estados tbody a").first();
    await Promise.all([page.waitForURL(/\/prestamos\/\d+\/estados\//), statementLink.click()]);
    check((await page.textContent("h1")).includes("Estado de cuenta"), "the statement page opens");
    check((await page.textContent("#closing")).includes("$"), "it shows the closing balance in pesos");
    await page.screenshot({ path: `${dir}/04-estado.png`, fullPage: true });
    const pdfUrl = await page.getAttribute("#pdf", "href");
    const pdf = await page.request.get(`${base}${pdfUrl}`);
    check(pdf.status() === 200, `the PDF answers 200 (${pdf.status()})`);
    check(pdf.headers()["content-type"] === "application/pdf", "as application/pdf");
    const bytes = await pdf.body();
    check(bytes.subarray(0, 5).toString() === "%PDF-", "a PDF document");
    writeFileSync(`${dir}/estado-de-cuenta.pdf`, bytes);

    await page.goto(`${base}/reportes/cartera`);
    const dots = await page.locator("#par-chart circle").count();
    check(dots >= 2, `the PAR chart has a dot per cut and series (${dots})`);
    check((await page.textContent("#par-por-corte")).includes("%"), "the table under it gives the figures");
    await page.screenshot({ path: `${dir}/05-cartera.png`, fullPage: true });
    // The jobs page, from the sidebar: the next cut in the tenant's local time, dd/mm/aaaa HH:MM with the
    // zone's abbreviation as every page writes times (Mexico City is CST, UTC−06:00, all year), and the
    // same instant in UTC.
    await Promise.all([page.waitForURL(/\/tareas$/), page.locator('nav a[href="/tareas"]').first().click()]);
    const nextCut = (await page.textContent("#tarea-period_cut .next-local")).trim();
    check(/^\d{2}\/\d{2}\/\d{4} 00:05 CST$/.test(nextCut), `the next cut reads "dd/mm/aaaa 00:05 CST" (${nextCut})`);
    const nextUtc = (await page.textContent("#tarea-period_cut .next-utc")).trim();
    check(nextUtc.endsWith("06:05 UTC"), `and 06:05 in UTC (${nextUtc})`);
    check((await page.locator("#tarea-period_cut button", { hasText: "Ejecutar ahora" }).count()) === 1, "an admin can run it now");
    await page.screenshot({ path: `${dir}/07-tareas.png`, fullPage: true });
    console.log(`ok: screenshots in ${dir}`);
  } finally {
    await browser.close();
  }
});
