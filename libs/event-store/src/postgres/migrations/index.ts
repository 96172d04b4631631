import { CreateEventStore1764000000000 } from './1764000000000-create-event-store';

export const eventStoreMigrations = [CreateEventStore1764000000000];
