import { serve, launch, openApp } from './e2e/harness.mjs';
const server = await serve(process.env.CLUSTERSCOPE_DIST || 'dist');
const browser = await launch();
const page = await openApp(browser, server.url + '?' + process.argv[2]);
await page.waitForTimeout(600);
await page.screenshot({ path: process.argv[3] });
await browser.close(); await server.close?.(); process.exit(0);
