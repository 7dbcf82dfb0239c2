import { GraphQLScalarType } from 'graphql';
import { GraphQLDate as FullDate } from 'graphql-scalars';

/**
 * graphql-scalars' Date, the same scalar to clients, that passes the database's own days through: they
 * come from date columns as `YYYY-MM-DD` text, and checking each again (a regular expression and a calendar
 * check, 200 times for a page of 100 periods) was a few per cent of a time series. Any other value, and
 * every input, still gets the full check.
 */
export const GraphQLDate = new GraphQLScalarType({
  ...FullDate.toConfig(),
  serialize(value) {
    if (typeof value === 'string' && value.length === 10 && value[4] === '-' && value[7] === '-') return value;
    return FullDate.serialize(value);
  },
});
