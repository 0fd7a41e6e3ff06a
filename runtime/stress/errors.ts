// A stress transform was asked for something it cannot do (an unknown scenario, a bad option, a
// batch it cannot transform faithfully). The message names the transform and the option at fault,
// so the CLI can print it as it is.
export class StressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StressError';
  }
}
