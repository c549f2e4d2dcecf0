// Signs in as the demo admin, checks the dashboard and the users page, saves screenshots. The panel's
// cards open their lists filtered (ADR 35): «Préstamos activos» the active loans, «Cobrado hoy» the
// payments of today with the same total; the collections chart has a labelled scale and its table; the
// demo cashier's own card opens her payments of today.
import { args, check, launch, outDir, run, signIn } from "./lib.mjs";

const { base, password, out } = args(["base", "password", "out"]);

async function navigated(page, click) {
  await Promise.all([page.waitForEvent("framenavigated", { predicate: (f) => f === page.mainFrame() }), click]);
  await page.waitForLoadState("load");
}

run(async () => {
  const dir = outDir(out);
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: "es-MX" });
    await page.goto(`${base}/login?tenant=demo`);
    check((await page.textContent("h1")) === "Credinet", "the login page shows its title");
    check((await page.inputValue("#tenant")) === "demo", "the tenant is pre-filled from the link");

    await page.fill("#email", "admin@demo.mx");
    await page.fill("#password", "no-es-la-clave");
    await page.click("button[type=submit]");
    const refusal = await page.textContent(".notice.error");
    check(refusal.includes("incorrectos"), `a wrong password is refused on the page (${refusal})`);
    await page.screenshot({ path: `${dir}/login-refused.png` });

    await signIn(page, base, "demo", "admin@demo.mx", password);
    const heading = await page.textContent("h1");
    check(heading.includes("Adriana Admin"), `the dashboard greets the admin (${heading})`);
    const body = await page.textContent("main");
    check(body.includes("Panel de Administrador"), "the admin dashboard is shown");
    check(body.includes("Usuarios activos"), "the admin sees the active users card");
    const nav = await page.textContent("nav");
    for (const item of ["Panel", "Usuarios", "Claves API", "Auditoría"]) {
      check(nav.includes(item), `the navigation offers ${item}`);
    }
    await page.screenshot({ path: `${dir}/dashboard.png`, fullPage: true });

    const scale = await page.$$eval("#cobranza-chart text.eje", (ts) => ts.map((t) => t.textContent));
    check(scale.includes("$0") && scale.some((t) => /^\$[\d,]+$/.test(t) && t !== "$0"), `the chart has an amount scale (${scale})`);
    const days = await page.$$eval("#cobranza-dias tbody tr", (trs) => trs.length);
    check(days === 14, `a table of the chart's 14 days under it (${days})`);

    await navigated(page, page.click("#prestamos-activos"));
    check(page.url() === `${base}/prestamos?estado=disbursed`, `«Préstamos activos» opens the active loans (${page.url()})`);
    const states = await page.$$eval("#prestamos tbody tr td:nth-child(3)", (tds) => tds.map((td) => td.textContent.trim()));
    check(states.length > 0 && states.every((s) => s === "Activo"), `only active loans are listed (${states.slice(0, 5)})`);
    await page.screenshot({ path: `${dir}/panel-prestamos-activos.png`, fullPage: true });

    await page.goto(`${base}/`);
    const collected = (await page.textContent("#cobrado-hoy .value")).trim();
    await navigated(page, page.click("#cobrado-hoy"));
    check(/\/pagos\?desde=(\d{4}-\d{2}-\d{2})&hasta=\1&/.test(page.url()), `«Cobrado hoy» opens the payments of today (${page.url()})`);
    const total = (await page.textContent("#total-cobrado")).trim();
    check(total === collected, `the list adds up to the card's figure (${total} vs ${collected})`);
    await page.screenshot({ path: `${dir}/panel-cobrado-hoy.png`, fullPage: true });

    await page.click("nav >> text=Usuarios");
    await page.waitForURL(`${base}/usuarios`);
    const table = await page.textContent("table");
    for (const email of ["admin@demo.mx", "gerente@demo.mx", "cajero@demo.mx"]) {
      check(table.includes(email), `the users page lists ${email}`);
    }
    await page.screenshot({ path: `${dir}/usuarios.png`, fullPage: true });

    await page.click("nav >> text=Auditoría");
    await page.waitForURL(`${base}/auditoria`);
    check((await page.textContent("table")).includes("Inicio de sesión"), "the audit log shows the login, in Spanish");
    await page.screenshot({ path: `${dir}/auditoria.png`, fullPage: true });

    const counter = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: "es-MX" });
    await signIn(counter, base, "demo", "cajero@demo.mx", password);
    check(!(await counter.locator("#cobrado-hoy").count()), "the cashier does not see the team's collections");
    const hers = (await counter.textContent("#mis-cobros-hoy .value")).trim();
    await navigated(counter, counter.click("#mis-cobros-hoy"));
    check(/[?&]cajero=\d+/.test(counter.url()), `her card opens her own payments (${counter.url()})`);
    const herTotal = (await counter.textContent("#total-cobrado")).trim();
    check(herTotal === hers, `her list adds up to her card (${herTotal} vs ${hers})`);
    await counter.screenshot({ path: `${dir}/panel-cajero-mis-cobros.png`, fullPage: true });
    console.log(`ok: screenshots in ${dir}`);
  } finally {
    await browser.close();
  }
});
