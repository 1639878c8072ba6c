import { fail, pass } from '../check.js';
import { timed } from './evidence.js';
import { dnsCheck, tcpCheck } from './reachability.js';
import { serviceCheck } from './service-check.js';

export const postgresDns = dnsCheck('postgres');
export const postgresTcp = tcpCheck('postgres');

export const postgresConnect = serviceCheck({
  id: 'infrastructure.postgres.connect',
  title: 'PostgreSQL accepts a session with the configured credentials',
  needs: ['postgres'],
  async run({ clients, timeoutMs, evidence }) {
    const pg = clients.postgres;
    evidence.endpoint = pg.endpoint;
    const connected = await pg.connect({ timeoutMs });
    evidence.connectMs = connected.latencyMs;
    if (connected.reused) evidence.connectionReused = true;
    const { value: version, latencyMs } = await timed(() => pg.serverVersion({ timeoutMs }));
    Object.assign(evidence, {
      serverVersion: version.version,
      major: version.major,
      build: version.description,
      latencyMs,
    });
    return pass(evidence);
  },
});

/**
 * Tables MLflow's migrations create and the later stages read: tracking (experiments, runs and
 * their metrics/params/tags), the model registry (models, versions, aliases) and Alembic's
 * bookkeeping. Not every table MLflow has — just the ones whose absence breaks this suite.
 */
export const MLFLOW_TABLES = [
  'alembic_version',
  'experiments',
  'experiment_tags',
  'runs',
  'metrics',
  'latest_metrics',
  'params',
  'tags',
  'registered_models',
  'model_versions',
  'registered_model_aliases',
] as const;

export const postgresMlflowSchema = serviceCheck({
  id: 'infrastructure.postgres.mlflow-schema',
  title: "MLflow's schema is present in its database",
  needs: ['postgres', 'mlflow'],
  async run({ config, clients, timeoutMs, evidence }) {
    const pg = clients.postgres;
    evidence.endpoint = pg.endpoint;
    const { value, latencyMs } = await timed(() => pg.tables(undefined, { timeoutMs }));
    const present = new Set(value.tables);
    const missing = MLFLOW_TABLES.filter((t) => !present.has(t));
    Object.assign(evidence, { schema: value.schema, tableCount: value.tables.length, missing, latencyMs });
    if (present.has('alembic_version')) {
      const rows = await pg.query<{ version_num: string }>('SELECT version_num FROM alembic_version', [], {
        timeoutMs,
      });
      evidence.alembicVersion = rows[0]?.version_num;
    }
    const where = `database "${config.postgres.database}" (schema ${value.schema}) at ${pg.endpoint}`;
    if (value.tables.length === 0) {
      return fail(
        `${where}: expected MLflow's tables (${MLFLOW_TABLES.slice(1, 4).join(', ')}, …), saw no tables at all`,
        "MLflow has not initialised this database — is POSTGRES_DB the database in MLflow's --backend-store-uri? MLflow creates its schema when the server starts (or run `mlflow db upgrade <uri>`)",
        evidence,
      );
    }
    if (missing.length > 0) {
      return fail(
        `${where}: expected MLflow's tables, missing ${missing.length} of ${MLFLOW_TABLES.length}: ${missing.join(', ')}`,
        present.has('alembic_version')
          ? 'the schema is from an older MLflow or a migration stopped half-way — run `mlflow db upgrade <backend-store-uri>`'
          : "these tables are not MLflow's — check POSTGRES_DB is the database in MLflow's --backend-store-uri",
        evidence,
      );
    }
    return pass(evidence);
  },
});

export const postgresChecks = [postgresDns, postgresTcp, postgresConnect, postgresMlflowSchema];
