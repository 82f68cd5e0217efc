import { CancelledError } from '../../src/errors.js';
import { GoBack, type ConfirmQuestion, type InputQuestion, type PasswordQuestion, type Prompter, type SelectQuestion } from '../../src/ui/prompter.js';

/** Stands for pressing Ctrl-C at this prompt (the real prompter throws CancelledError). */
export const CTRL_C = Symbol('ctrl-c');
/** Stands for pressing Escape at this prompt (the real prompter throws GoBack). */
export const ESC = Symbol('escape');
/** Stands for pressing Enter on the prompt's default. */
export const ENTER = Symbol('enter');

export type Answer = string | boolean | typeof CTRL_C | typeof ESC | typeof ENTER | ((question: Asked) => Answer | Promise<Answer>);

export interface Asked {
  id: string;
  message: string;
  kind: 'input' | 'password' | 'select' | 'confirm';
  /** For selects: the values offered. */
  choices?: string[];
  default?: string | boolean;
}

export interface ScriptedPrompter extends Prompter {
  /** Every question, in order (a re-ask after a validation error counts once). */
  readonly asked: Asked[];
  /** Answers a prompt's validate() refused, with its message: the prompt asked again. */
  readonly rejected: { id: string; value: string; message: string }[];
  /** hold() and its release, in order: the wizard holds the keyboard while it verifies. */
  readonly holds: ('hold' | 'release')[];
  /** Throws unless every scripted answer was used. */
  assertAllUsed(): void;
}

/**
 * A prompter answering by prompt id (STYLE §4): a value, or a list for a prompt asked several times
 * (a re-ask after validation, or a manual step's menu). An unexpected question throws; so does a
 * select answer that is not among the choices.
 */
export function scriptedPrompter(script: Record<string, Answer | Answer[]>): ScriptedPrompter {
  const queues = new Map<string, Answer[]>(Object.entries(script).map(([id, a]) => [id, Array.isArray(a) ? [...a] : [a]]));
  const asked: Asked[] = [];
  const rejected: ScriptedPrompter['rejected'] = [];
  const holds: ScriptedPrompter['holds'] = [];
  const next = async (question: Asked): Promise<string | boolean | typeof ENTER> => {
    const queue = queues.get(question.id);
    if (!queue || queue.length === 0) throw new Error(`unexpected prompt "${question.id}": ${question.message}`);
    let answer = queue.shift()!;
    // A function answers after doing something (e.g. "uploading" the certificate to the emulator).
    while (typeof answer === 'function') answer = await answer(question);
    if (answer === CTRL_C) throw new CancelledError();
    if (answer === ESC) throw new GoBack();
    return answer as string | boolean | typeof ENTER;
  };
  return {
    asked,
    rejected,
    holds,
    hold() {
      holds.push('hold');
      return () => void holds.push('release');
    },
    async input(q: InputQuestion) {
      const question: Asked = { id: q.id, message: q.message, kind: 'input', ...(q.default !== undefined ? { default: q.default } : {}) };
      asked.push(question);
      for (;;) {
        const answer = await next(question);
        if (typeof answer === 'boolean') throw new Error(`prompt "${q.id}" is an input; scripted a boolean`);
        // Like inquirer: Enter on an empty line takes the default.
        const value = answer === ENTER || answer === '' ? (q.default ?? '') : answer;
        const verdict = q.validate ? await q.validate(value) : true;
        if (verdict === true) return value;
        rejected.push({ id: q.id, value, message: verdict });
      }
    },
    async password(q: PasswordQuestion) {
      const question: Asked = { id: q.id, message: q.message, kind: 'password' };
      asked.push(question);
      const answer = await next(question);
      if (typeof answer !== 'string') throw new Error(`prompt "${q.id}" is a password; scripted "${String(answer)}"`);
      return answer;
    },
    async select<T extends string>(q: SelectQuestion<T>) {
      const values = q.choices.map((c) => c.value as string);
      const question: Asked = { id: q.id, message: q.message, kind: 'select', choices: values, ...(q.default !== undefined ? { default: q.default } : {}) };
      asked.push(question);
      const answer = await next(question);
      const value = answer === ENTER ? (q.default ?? values[0]) : answer;
      if (typeof value !== 'string' || !values.includes(value)) {
        throw new Error(`prompt "${q.id}": scripted "${String(value)}" is not one of ${values.join(', ')}`);
      }
      return value as T;
    },
    async confirm(q: ConfirmQuestion) {
      const question: Asked = { id: q.id, message: q.message, kind: 'confirm', ...(q.default !== undefined ? { default: q.default } : {}) };
      asked.push(question);
      const answer = await next(question);
      if (answer === ENTER) return q.default ?? false;
      if (typeof answer !== 'boolean') throw new Error(`prompt "${q.id}" is a confirm; scripted "${String(answer)}"`);
      return answer;
    },
    assertAllUsed() {
      const left = [...queues.entries()].filter(([, q]) => q.length > 0).map(([id, q]) => `${id} (${q.length})`);
      if (left.length > 0) throw new Error(`scripted answers never asked for: ${left.join(', ')}`);
    },
  };
}
