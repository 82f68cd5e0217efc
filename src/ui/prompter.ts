/** Prompts are keyed by a stable id (the answer's name), so scripted tests survive copy changes. */
export interface Choice<T extends string = string> {
  value: T;
  name: string;
  description?: string;
}

export interface InputQuestion {
  id: string;
  message: string;
  default?: string;
  /** true when valid, else the message to show before asking again (may check a file: async). */
  validate?: (value: string) => true | string | Promise<true | string>;
}

export interface SelectQuestion<T extends string = string> {
  id: string;
  message: string;
  choices: Choice<T>[];
  default?: T;
}

export interface ConfirmQuestion {
  id: string;
  message: string;
  default?: boolean;
}

export interface PasswordQuestion {
  id: string;
  message: string;
}

export interface Prompter {
  input(question: InputQuestion): Promise<string>;
  /** Hidden input (a passphrase): never echoed. */
  password(question: PasswordQuestion): Promise<string>;
  select<T extends string>(question: SelectQuestion<T>): Promise<T>;
  confirm(question: ConfirmQuestion): Promise<boolean>;
  /**
   * Between questions, while the CLI works (a propagation wait): keys typed meanwhile are
   * swallowed instead of echoed onto the spinner line (Ctrl-C still stops). Returns the release.
   */
  hold?(): () => void;
}

/** Escape at a prompt: the user wants the previous question back (the wizard decides which). */
export class GoBack extends Error {
  constructor() {
    super('Escape: back to the previous question');
    this.name = 'GoBack';
  }
}

/** Used when prompting is not allowed: any question is a bug in the caller's resolve logic. */
export const noPrompter: Prompter = {
  input: (q) => Promise.reject(new Error(`unexpected prompt "${q.id}" in non-interactive mode`)),
  password: (q) => Promise.reject(new Error(`unexpected prompt "${q.id}" in non-interactive mode`)),
  select: (q) => Promise.reject(new Error(`unexpected prompt "${q.id}" in non-interactive mode`)),
  confirm: (q) => Promise.reject(new Error(`unexpected prompt "${q.id}" in non-interactive mode`)),
};
