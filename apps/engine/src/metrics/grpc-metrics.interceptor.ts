import { ServerInterceptingCall, type ServerInterceptor } from '@grpc/grpc-js';
import { EngineMetrics } from './engine-metrics';

/** gRPC status codes by number, as Prometheus labels (grpc.health.v1 and loom.v1 alike). */
const codeNames = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

/**
 * Counts and times every gRPC call, refused ones included: placed before authentication, it sees
 * the status a call ends with whoever sends it. The method label is the service and method
 * (`loom.v1.VpcService/CreateVpc`), a closed set.
 */
export function grpcMetricsInterceptor(metrics: EngineMetrics): ServerInterceptor {
  return (method, call) => {
    const startedAt = performance.now();
    const name = method.path.replace(/^\//, '');
    return new ServerInterceptingCall(call, {
      sendStatus: (status, next) => {
        const labels = { method: name, code: codeNames[status.code] ?? String(status.code) };
        metrics.apiRequests.inc(labels);
        metrics.apiDuration.observe(labels, EngineMetrics.since(startedAt));
        next(status);
      },
    });
  };
}
