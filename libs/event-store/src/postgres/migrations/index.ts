import { CreateEventStore1764000000000 } from './1764000000000-create-event-store';
import { AppendToStreams1764100000000 } from './1764100000000-append-to-streams';

export const eventStoreMigrations = [CreateEventStore1764000000000, AppendToStreams1764100000000];
