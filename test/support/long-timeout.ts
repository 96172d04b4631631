// Integration and e2e tests start real servers and processes: give them time, not the unit default.
jest.setTimeout(120_000);
