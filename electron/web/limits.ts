/** Web mode's limits that the command line checks too, apart from the socket code so that parsing flags loads nothing more. */

/** The largest --max-clients: its refusal sentence still fits a close frame. */
export const MAX_CLIENTS_LIMIT = 10_000;
