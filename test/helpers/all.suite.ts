// Every *.test.ts file of this directory, as one jest suite (see test/helpers/suites.ts).
import { runTestFilesOf } from './suites';

runTestFilesOf(__dirname);
