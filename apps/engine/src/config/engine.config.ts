import { accessSync, constants, statSync } from 'node:fs';
import { plainToInstance, Transform } from 'class-transformer';
import { transferPoolProblem } from '@loom/network';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  Validate,
  ValidateIf,
  validateSync,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';

const toInteger = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;

const HOST = /^[A-Za-z0-9.:-]+$/;

/** A file the engine can read now, so that a wrong path is reported with the other problems. */
@ValidatorConstraint({ name: 'readableFile' })
class ReadableFile implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    try {
      accessSync(value, constants.R_OK);
      return statSync(value).isFile();
    } catch {
      return false;
    }
  }
}

const vniRangePattern = /^([1-9]\d{0,7})-([1-9]\d{0,7})$/;

@ValidatorConstraint({ name: 'ascendingRange' })
class AscendingRange implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string' || !vniRangePattern.test(value)) return true;
    const { first, last } = parseVniRange(value);
    return first <= last && last <= 16_777_215;
  }
}

@ValidatorConstraint({ name: 'transferPool' })
class TransferPool implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && transferPoolProblem(value) === undefined;
  }
  defaultMessage(args?: ValidationArguments): string {
    const value: unknown = args?.value;
    const problem = typeof value === 'string' ? transferPoolProblem(value) : 'must be a string';
    return `LOOM_TRANSFER_POOL ${problem ?? 'is invalid'}`;
  }
}

@ValidatorConstraint({ name: 'servicePool' })
class ServicePool implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && transferPoolProblem(value) === undefined;
  }
  defaultMessage(args?: ValidationArguments): string {
    const value: unknown = args?.value;
    const problem = typeof value === 'string' ? transferPoolProblem(value) : 'must be a string';
    return `LOOM_SERVICE_POOL ${problem ?? 'is invalid'}`;
  }
}

/** Every setting the engine reads, from environment variables; see docs/configuration.md. */
export class EngineConfig {
  @IsString()
  @MinLength(1)
  LOOM_DATA_DIR = './.loom';

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, {
    message: 'DATABASE_URL must be a postgres:// connection string',
  })
  DATABASE_URL?: string;

  @Transform(toInteger)
  @IsInt({ message: 'LOOM_EMBEDDED_PG_PORT must be a port number' })
  @Min(1)
  @Max(65535)
  LOOM_EMBEDDED_PG_PORT = 54329;

  @Transform(toInteger)
  @IsInt({ message: 'LOOM_DB_POOL_SIZE must be an integer' })
  @Min(1)
  @Max(200)
  LOOM_DB_POOL_SIZE = 10;

  @IsIn(['postgres', 'eventstoredb'], {
    message: 'LOOM_EVENT_STORE must be postgres or eventstoredb',
  })
  LOOM_EVENT_STORE: 'postgres' | 'eventstoredb' = 'postgres';

  @ValidateIf((config: EngineConfig) => config.LOOM_EVENT_STORE === 'eventstoredb')
  @Matches(/^(esdb|kurrentdb|kdb)(\+discover)?:\/\/.+/, {
    message:
      'EVENTSTORE_URL must be an esdb:// connection string when LOOM_EVENT_STORE=eventstoredb',
  })
  EVENTSTORE_URL?: string;

  /** Loopback by default: nothing outside this machine reaches the API until told to (0.0.0.0). */
  @Matches(HOST, { message: 'LOOM_GRPC_HOST must be a host name or IP address' })
  LOOM_GRPC_HOST = '127.0.0.1';

  @Transform(toInteger)
  @IsInt({ message: 'LOOM_GRPC_PORT must be a port number' })
  @Min(1)
  @Max(65535)
  LOOM_GRPC_PORT = 50051;

  /** Loopback by default, like LOOM_GRPC_HOST. */
  @Matches(HOST, { message: 'LOOM_HTTP_HOST must be a host name or IP address' })
  LOOM_HTTP_HOST = '127.0.0.1';

  @Transform(toInteger)
  @IsInt({ message: 'LOOM_HTTP_PORT must be a port number' })
  @Min(1)
  @Max(65535)
  LOOM_HTTP_PORT = 8080;

  @IsOptional()
  @Validate(ReadableFile, {
    message: 'LOOM_JWT_PUBLIC_KEY must name a readable PEM or JWK file',
  })
  LOOM_JWT_PUBLIC_KEY?: string;

  @Transform(toInteger)
  @IsInt({ message: 'LOOM_SHUTDOWN_GRACE_MS must be an integer' })
  @Min(0)
  @Max(600_000)
  LOOM_SHUTDOWN_GRACE_MS = 10_000;

  /** VNIs are 24-bit; a range is `first-last`. */
  @Matches(vniRangePattern, {
    message: 'LOOM_L3_VNI_RANGE must be a VNI range such as 50000-59999',
  })
  @Validate(AscendingRange, { message: 'LOOM_L3_VNI_RANGE must run from a lower to a higher VNI' })
  LOOM_L3_VNI_RANGE = '50000-59999';

  @Matches(vniRangePattern, {
    message: 'LOOM_L2_VNI_RANGE must be a VNI range such as 100000-199999',
  })
  @Validate(AscendingRange, { message: 'LOOM_L2_VNI_RANGE must run from a lower to a higher VNI' })
  LOOM_L2_VNI_RANGE = '100000-199999';

  @Transform(toInteger)
  @IsInt({ message: 'LOOM_FABRIC_ASN must be a 2-byte BGP ASN (1-65534)' })
  @Min(1)
  @Max(65534)
  LOOM_FABRIC_ASN = 65000;

  /** Where VPC external gateways' transfer /31s come from. */
  @Validate(TransferPool)
  LOOM_TRANSFER_POOL = '172.16.0.0/16';

  /** Where service IPs' /31s come from: the VPCs' addresses on the management network. */
  @Validate(ServicePool)
  LOOM_SERVICE_POOL = '100.64.0.0/16';

  @IsIn(['simulated', 'frr-lab'], { message: 'LOOM_FABRIC must be simulated or frr-lab' })
  LOOM_FABRIC: 'simulated' | 'frr-lab' = 'simulated';

  /** Where the FRR lab lives (LOOM_FABRIC=frr-lab); default `<LOOM_DATA_DIR>/lab`. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  LOOM_FABRIC_LAB_DIR?: string;

  @IsOptional()
  @Validate(ReadableFile, {
    message: 'LOOM_FABRIC_TOPOLOGY must name a readable JSON topology file',
  })
  LOOM_FABRIC_TOPOLOGY?: string;

  /** Where the simulated fabric keeps its devices; default `<LOOM_DATA_DIR>/fabric`. Processes sharing it share the devices. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  LOOM_FABRIC_DIR?: string;

  @Transform(toInteger)
  @IsInt({ message: 'LOOM_FABRIC_LATENCY_MS must be an integer' })
  @Min(0)
  @Max(60_000)
  LOOM_FABRIC_LATENCY_MS = 0;

  @Transform(toInteger)
  @IsInt({ message: 'LOOM_DEVICE_TIMEOUT_MS must be an integer' })
  @Min(100)
  @Max(600_000)
  LOOM_DEVICE_TIMEOUT_MS = 10_000;

  @Transform(toInteger)
  @IsInt({ message: 'LOOM_SAGA_WORKERS must be 0 or 1' })
  @Min(0)
  @Max(1)
  LOOM_SAGA_WORKERS = 1;

  @Transform(toInteger)
  @IsInt({ message: 'LOOM_SAGA_LEASE_MS must be an integer' })
  @Min(300)
  @Max(600_000)
  LOOM_SAGA_LEASE_MS = 10_000;

  /** The operators' dashboard at `/` on the HTTP port. */
  @IsIn(['on', 'off'], { message: 'LOOM_DASHBOARD must be on or off' })
  LOOM_DASHBOARD: 'on' | 'off' = 'on';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    message: 'LOOM_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
  })
  LOOM_LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';
}

/** The first and last VNI of a `first-last` range (checked by the decorators above). */
export function parseVniRange(text: string): { first: number; last: number } {
  const [first = 0, last = 0] = text.split('-').map(Number);
  return { first, last };
}

export class InvalidConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'InvalidConfigError';
  }
}

/** Reads and checks the whole configuration at start, reporting every problem at once. */
export function loadEngineConfig(env: Record<string, string | undefined>): EngineConfig {
  const known = Object.keys(new EngineConfig());
  const given = Object.fromEntries(
    Object.entries(env).filter(
      ([key, value]) => known.includes(key) && value !== undefined && value !== '',
    ),
  );
  const config = plainToInstance(EngineConfig, given);
  const problems = validateSync(config, { forbidUnknownValues: true }).flatMap((error) =>
    Object.values(error.constraints ?? {}),
  );
  if (problems.length > 0) throw new InvalidConfigError(problems);
  return config;
}
