/** The local Salesforce token-endpoint emulator (README: "The emulator"). */
export * from './types.js';
export { loadEmulatorConfig, singleAppConfig, validateSimulation, DEFAULT_ORG_ID, DEFAULT_USER_ID, DEFAULT_SCOPES, type SingleAppOptions } from './config.js';
export * as emulatorState from './state.js';
export { createEmulatorState } from './state.js';
export { handleRequest, serverClock, TOKEN_PATH } from './handler.js';
export { checkAudience, isMyDomainAudience, genericAudience, LOGIN_AUDIENCE, TEST_AUDIENCE } from './audience.js';
export { ERRORS as TOKEN_ERRORS, SESSION_SECONDS } from './token.js';
export { LATEST_API_VERSION } from './resources.js';
export { startEmulator, MAX_BODY_BYTES, type RunningEmulator, type StartEmulatorOptions } from './server.js';
