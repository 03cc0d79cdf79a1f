// Renders Adaptive Cards the way Teams' web client does: Microsoft's `adaptivecards` renderer with
// the Teams light host config, in headless Chromium. Reads [{name, card}] as JSON on stdin, writes
// DIR/NAME.png per card and prints [{name, events: [...]}] on stdout: every parse or validation
// event the renderer reported (none means the card is clean).
//   node render.mjs OUTPUT_DIR < cards.json
import { readFileSync, mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = process.argv[2];
mkdirSync(outDir, { recursive: true });
const cards = JSON.parse(readFileSync(0, "utf8"));
const renderer = readFileSync(join(here, "node_modules/adaptivecards/dist/adaptivecards.min.js"), "utf8");
const css = readFileSync(join(here, "node_modules/adaptivecards/dist/adaptivecards.css"), "utf8");
const hostConfig = readFileSync(join(here, "teams-light-hostconfig.json"), "utf8");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  // The network is closed here: Chromium's background calls would only be refused.
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const results = [];
try {
  const page = await browser.newPage({ viewport: { width: 560, height: 400 }, deviceScaleFactor: 1 });
  await page.setContent(`<html><head><style>${css}
    body { margin: 0; background: #f5f5f5; font-family: "Segoe UI", system-ui, sans-serif; }
    #host { width: 520px; margin: 12px; background: #fff; border-radius: 6px; box-shadow: 0 1px 3px #0003; }
  </style></head><body><div id="host"></div></body></html>`);
  await page.addScriptTag({ content: renderer });
  for (const { name, card } of cards) {
    const events = await page.evaluate(({ card, hostConfig }) => {
      const AC = window.AdaptiveCards;
      const adaptiveCard = new AC.AdaptiveCard();
      adaptiveCard.hostConfig = new AC.HostConfig(JSON.parse(hostConfig));
      const context = new AC.SerializationContext();
      adaptiveCard.parse(card, context);
      const events = [];
      for (let i = 0; i < context.eventCount; i++) {
        const e = context.getEventAt(i);
        events.push({ phase: "parse", event: AC.ValidationEvent[e.event], message: e.message });
      }
      for (const e of adaptiveCard.validateProperties().validationEvents) {
        events.push({ phase: "validation", event: AC.ValidationEvent[e.event], message: e.message });
      }
      const host = document.getElementById("host");
      host.replaceChildren(adaptiveCard.render());
      return events;
    }, { card, hostConfig });
    await page.locator("#host").screenshot({ path: join(outDir, `${name}.png`) });
    results.push({ name, events });
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(results, null, 2));
