/**
 * Reading an engagement's artifacts the way a user does: the list and the downloads over HTTP.
 */
import { expect } from 'vitest';
import { apiClient, type TestStack } from './stack.ts';

/** An artifact as `GET /v1/engagements/{id}/artifacts` lists it. */
export interface ArtifactView {
  id: number;
  kind: string;
  name: string;
  stepId: string | null;
  iteration: string | null;
  sha256: string;
  size: number;
  links: { download: string };
}

export async function listArtifacts(stack: TestStack, engagementId: string, userId = 'olena.pm') {
  const response = await apiClient(stack, userId)('GET', `/v1/engagements/${engagementId}/artifacts`);
  expect(response.status).toBe(200);
  return response.body.items as ArtifactView[];
}

/** The bytes of an artifact, downloaded by its link. */
export async function downloadArtifact(stack: TestStack, artifact: ArtifactView, userId = 'olena.pm') {
  const response = await fetch(`${stack.url}${artifact.links.download}`, {
    headers: { authorization: `Bearer ${stack.keys[userId]}` },
  });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}
