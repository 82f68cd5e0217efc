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

export interface Prompter {
  input(question: InputQuestion): Promise<string>;
  select<T extends string>(question: SelectQuestion<T>): Promise<T>;
  confirm(question: ConfirmQuestion): Promise<boolean>;
}

/** Used when prompting is not allowed: any question is a bug in the caller's resolve logic. */
export const noPrompter: Prompter = {
  input: (q) => Promise.reject(new Error(`unexpected prompt "${q.id}" in non-interactive mode`)),
  select: (q) => Promise.reject(new Error(`unexpected prompt "${q.id}" in non-interactive mode`)),
  confirm: (q) => Promise.reject(new Error(`unexpected prompt "${q.id}" in non-interactive mode`)),
};
