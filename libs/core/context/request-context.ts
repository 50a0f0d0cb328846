import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What is known about the unit of work in progress (an HTTP request or a job), carried implicitly so that
 * logs and audit events can name it without threading it through every call.
 */
export interface ExecutionContextData {
  requestId?: string;
  jobId?: string;
  jobName?: string;
}

const storage = new AsyncLocalStorage<ExecutionContextData>();

export const executionContext = {
  run<T>(data: ExecutionContextData, fn: () => T): T {
    return storage.run(data, fn);
  },
  current(): ExecutionContextData | undefined {
    return storage.getStore();
  },
};
