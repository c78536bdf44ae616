// The evaluator lives in the library (the rehearsal counts log lines with it); tests import it from here.
export * from '../../src/rehearsal/filter-pattern.pure';
