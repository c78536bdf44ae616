// Kept for the tests that import the fake from here; new tests import it from ../helpers.
export { FakeAgentMetrics, importedVpc } from '../helpers';
