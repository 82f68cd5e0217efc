import type { ManualContext, Step } from '../context.js';
import { instructionsFor } from '../instructions.js';
import { instructionInput, manualStep } from '../manual.js';

/** Permitted Users = admin approved, IP relaxation, no High Assurance. */
export const policiesStep: Step = {
  id: 'policies',
  title: 'Policies',
  run: (ctx: ManualContext) => manualStep(ctx, instructionsFor('policies', instructionInput(ctx))),
};
