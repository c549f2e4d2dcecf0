// Signs in as the demo admin, checks the dashboard and the users page, saves screenshots.
import { args, check, launch, outDir, run, signIn } from "./lib.mjs";

const { base, password, out } = args(["base", "password", "out"]);

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
    console.log(`ok: screenshots in ${dir}`);
  } finally {
    await browser.close();
  }
});
