/**
 * multipart/form-data uploads with progress. fetch reports no upload progress, so this one request
 * goes through XMLHttpRequest; its answers and failures come back as `call` gives them (the parsed
 * body, or an ApiProblem with the API's message and field issues; status undefined when the
 * request never got an answer).
 */
import type { paths } from "../generated/openapi.ts";
import { ApiProblem, authorization, type ErrorBody } from "./rest.ts";

export interface UploadProgress {
  /** Bytes of the request body sent so far. */
  readonly loaded: number;
  readonly total: number;
}

type PostPath = { [P in keyof paths]: paths[P] extends { post: object } ? P : never }[keyof paths];

export function uploadForm<T>(
  path: PostPath,
  form: FormData,
  onProgress: (progress: UploadProgress) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", path);
    request.responseType = "json";
    request.setRequestHeader("Accept", "application/json");
    const header = authorization();
    if (header !== undefined) request.setRequestHeader("Authorization", header);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress({ loaded: event.loaded, total: event.total });
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        resolve(request.response as T);
        return;
      }
      // responseType "json": the parsed body, or null when it was not JSON.
      const body = request.response as ErrorBody | null;
      reject(new ApiProblem(request.status, body ?? undefined, `${request.status} ${request.statusText}`));
    };
    const unanswered = (): void => {
      reject(new ApiProblem(undefined, undefined, "the upload did not reach the server"));
    };
    request.onerror = unanswered;
    request.onabort = unanswered;
    request.ontimeout = unanswered;
    request.send(form);
  });
}
