// Runs before every test file (jest `setupFiles`, set in .projenrc.ts).
//
// aws-cdk-lib validates every synthesized template against CloudFormation's schemas with a
// WebAssembly engine that takes seconds to build, once per test file, and then 0.1 to 0.4 s
// per template. In an app without the `@aws-cdk/core:validateAgainstDefaultRules` flag (every
// app of the unit tests) its findings are only printed, never thrown, so it asserts nothing
// there: the unit tests turn it off. test/proof/cloudformation-validate.test.ts runs it with
// its findings as errors over the example app and a stack of every construct.
process.env.CDK_VALIDATION = 'false';

// Every App of the tests reads this context. aws-cdk-lib records the stack trace of each
// resource's creation and of each annotation (for `cdk synth` to show where a problem came
// from); no test reads them, and capturing them is a quarter of a small stack's build and
// synth time.
process.env.CDK_CONTEXT_JSON = JSON.stringify({
  'aws:cdk:disable-creation-stack-traces': true,
  'aws:cdk:disable-stack-trace': true,
});
