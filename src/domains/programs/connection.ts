import { connectionTypes } from '../../graphql/relay/connection.js';
import { Program } from './types.js';

export const { Connection: ProgramConnection } = connectionTypes(Program, 'Program', 'programs');
