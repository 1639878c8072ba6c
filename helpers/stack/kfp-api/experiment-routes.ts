import { type ApiServices, listQuery, listResponse } from './api-services.js';
import { EXPERIMENT_LIST, toApiExperiment } from './experiment-store.js';
import { ApiError, GrpcCode } from './grpc-status.js';
import { parseListOptions } from './list-query.js';
import { readBody } from './read-body.js';
import { ExperimentMessage, type ExperimentRequest } from './request-messages.js';
import type { Route } from './router.js';
import { decodeJsonBody } from './strict-json.js';

/** ExperimentService: create, get, list, delete. Single-user mode: namespaces are replaced by the empty one. */

const E = '/apis/v2beta1/experiments';

export function experimentRoutes({ experiments }: ApiServices): Route[] {
  return [
    {
      method: 'POST',
      path: E,
      async handler({ req }) {
        const body = decodeJsonBody((await readBody(req)).toString('utf8'), ExperimentMessage) as ExperimentRequest;
        const created = await experiments.create({
          displayName: body.display_name ?? '',
          description: body.description ?? '',
          namespace: '',
        });
        return toApiExperiment(created);
      },
    },
    {
      method: 'GET',
      path: E,
      handler: async ({ query }) =>
        listResponse(
          'experiments',
          await experiments.list(parseListOptions(listQuery(query), EXPERIMENT_LIST)),
          toApiExperiment,
        ),
    },
    {
      method: 'GET',
      path: `${E}/{experiment_id}`,
      handler: async ({ params }) => toApiExperiment(await experiments.get(params.experiment_id as string)),
    },
    {
      method: 'DELETE',
      path: `${E}/{experiment_id}`,
      handler: async ({ params }) => {
        await experiments.delete(params.experiment_id as string);
        return {};
      },
    },
    ...['archive', 'unarchive'].map(
      (verb): Route => ({
        method: 'POST',
        path: `${E}/{experiment_id}:${verb}`,
        handler: async () => {
          throw new ApiError(GrpcCode.UNIMPLEMENTED, `${verb} of experiments is not implemented by the local KFP API`);
        },
      }),
    ),
  ];
}
