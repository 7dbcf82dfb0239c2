/** A GraphQL error as the server answered it. */
export interface GraphQLErrorAnswer {
  message: string;
  extensions?: Record<string, unknown>;
}

/** The server refused a request, or answered something that is not a GraphQL answer. */
export class RequestFailed extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errors: GraphQLErrorAnswer[] = [],
  ) {
    super(message);
  }

  /** The server does not know the feed cursor given (another server, or its history was reset): sync in full again. */
  get cursorRefused(): boolean {
    return this.errors.some((error) => error.extensions?.code === 'BAD_USER_INPUT' && error.extensions.argument === 'after');
  }
}

export interface Answer<Data> {
  data: Data;
  /** The data version the answer was read at (extensions.dataVersion). */
  dataVersion: number;
}

/** GraphQL over plain fetch, the way any client of the public API talks to it. */
export class GraphQLClient {
  constructor(
    readonly url: string,
    private readonly key?: string,
  ) {}

  async request<Data>(query: string, variables: Record<string, unknown> = {}): Promise<Answer<Data>> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(this.key ? { authorization: `Bearer ${this.key}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    let body: { data?: Data; errors?: GraphQLErrorAnswer[]; extensions?: { dataVersion?: unknown } };
    try {
      body = JSON.parse(text);
    } catch {
      throw new RequestFailed(`${this.url} answered ${response.status} with no GraphQL answer: ${text.slice(0, 200)}`, response.status);
    }
    if (body.errors?.length || body.data == null) {
      const messages = (body.errors ?? []).map((error) => error.message).join('; ');
      throw new RequestFailed(`${this.url} answered ${response.status}: ${messages || 'no data'}`, response.status, body.errors);
    }
    const dataVersion = body.extensions?.dataVersion;
    if (typeof dataVersion !== 'number')
      throw new RequestFailed(`${this.url} named no data version (extensions.dataVersion): is it Minsheng?`, response.status);
    return { data: body.data, dataVersion };
  }

  /** The newest data version the server answers at. */
  async currentDataVersion(): Promise<number> {
    return (await this.request<unknown>('{ __typename }')).dataVersion;
  }
}
