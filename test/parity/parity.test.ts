import { afterEach, describe, expect, it } from 'vitest';
import { runScenario, SCENARIOS, type PlatformDriver } from './scenarios.js';
import { createSlackDriver } from './slack-driver.js';
import { createTeamsDriver } from './teams-driver.js';

/**
 * Slack and Teams behave the same: every golden scenario of scenarios.ts, with the same checks, on
 * each platform through its real SDK (Bolt; botbuilder's CloudAdapter) and its fake.
 */
const DRIVERS: Record<PlatformDriver['platform'], () => PlatformDriver> = {
  teams: createTeamsDriver,
  slack: createSlackDriver,
};

let driver: PlatformDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

for (const [platform, create] of Object.entries(DRIVERS)) {
  describe(`parity on ${platform}`, () => {
    for (const scenario of SCENARIOS) {
      it(scenario.name, async () => {
        driver = create();
        await driver.start();
        expect(await runScenario(driver, scenario)).toBeGreaterThan(0);
      });
    }
  });
}
