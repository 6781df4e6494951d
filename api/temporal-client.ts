/** The API's only door to Temporal: one connection per process. */
import { Client, Connection } from '@temporalio/client';

export interface TemporalGateway {
  client: Client;
  taskQueue: string;
  namespace: string;
  /** Base URL of the Temporal Web UI, for links from engagement views. */
  uiUrl: string;
  /** Resolves when the frontend answers its health check. */
  check(): Promise<void>;
  close(): Promise<void>;
}

export async function connectTemporal(options: {
  address: string;
  namespace: string;
  taskQueue: string;
  uiUrl: string;
}): Promise<TemporalGateway> {
  const connection = await Connection.connect({ address: options.address });
  const client = new Client({ connection, namespace: options.namespace });
  return {
    client,
    taskQueue: options.taskQueue,
    namespace: options.namespace,
    uiUrl: options.uiUrl,
    check: async () => {
      await connection.healthService.check({});
    },
    close: () => connection.close(),
  };
}

export function workflowUiLink(gateway: Pick<TemporalGateway, 'uiUrl' | 'namespace'>, workflowId: string): string {
  return `${gateway.uiUrl}/namespaces/${encodeURIComponent(gateway.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
