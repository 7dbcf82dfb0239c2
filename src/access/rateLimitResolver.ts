import { GraphQLDateTime } from 'graphql-scalars';
import { Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { AboutTheCaller } from '../graphql/aboutTheCaller.js';
import type { Context } from '../graphql/context.js';

@ObjectType({ description: 'Your budget of cost points. Each request is charged its estimated cost before it runs.', simpleResolvers: true })
export class RateLimit {
  @Field(() => Int, { description: 'Cost points per window: anonymous clients per address, API keys by their tier.' })
  limit!: number;

  @Field(() => Int, { description: 'What this request cost: 1 per object field, times the page size (`first`/`last`) of each connection it sits in.' })
  cost!: number;

  @Field(() => Int, { description: 'Points left in this window, after this request.' })
  remaining!: number;

  @Field(() => GraphQLDateTime, { description: 'When the window ends and the budget is full again.' })
  resetAt!: Date;
}

/** Reads what the endpoint charged this request (src/http/graphqlEndpoint.ts): no work of its own. */
@Resolver()
export class RateLimitResolver {
  @Query(() => RateLimit, { description: "Your rate limit: budget, this request's cost, what is left and when it resets. Also sent as RateLimit-* headers." })
  @AboutTheCaller()
  rateLimit(@Ctx() context: Context): RateLimit {
    const { limit, cost, remaining, resetAt } = context.rateLimit;
    return { limit, cost, remaining, resetAt };
  }
}
