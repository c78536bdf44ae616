// A jest suite: the test directories SUITES lists for it (see test/helpers/suites.ts).
import { runSuite } from './helpers/suites';

runSuite('half-1');
