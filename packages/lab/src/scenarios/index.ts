export { SCENARIOS, scenarioByName } from './catalogue.js';
export { defineScenario, type Scenario, type ScenarioSetup } from './scenario.js';
