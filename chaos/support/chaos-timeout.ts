// A campaign test runs for minutes (the long profile for an hour): each bounds its own loops.
jest.setTimeout(4 * 60 * 60 * 1000);
