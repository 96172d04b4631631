/** What every Loom access token carries, whoever signs it. */
export const TOKEN_ISSUER = 'loom';
export const TOKEN_AUDIENCE = 'loom-api';
export const TOKEN_ALGORITHM = 'ES256';
