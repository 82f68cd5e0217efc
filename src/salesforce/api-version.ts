/**
 * The API version sfjwt calls and writes into metadata (Spring '26). Fixed rather than looked up,
 * which would cost a round trip on every verify; an instance that lacks it is asked for its list.
 * The External Client App certificate field needs 60.0 or later.
 */
export const API_VERSION = '66.0';
