import { HotPotError } from "../../lib/errors.ts";

/** Personal-data errors carry a stable `code` for the HTTP/GraphQL layers to map (404, 409, 410, 400). */
export class PersonDataError extends HotPotError {
  override readonly name: string = "PersonDataError";
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** The person's data was erased (their data key destroyed): nothing of theirs can be read again. */
export class PersonErasedError extends PersonDataError {
  override readonly name = "PersonErasedError";
  constructor(userId: string) {
    super("erased", `the personal data of user ${userId} has been erased`);
  }
}

/** No personal data was ever saved for the person. */
export class PersonNotFoundError extends PersonDataError {
  override readonly name = "PersonNotFoundError";
  constructor(userId: string, detail = "no personal data is stored") {
    super("not_found", `${detail} for user ${userId}`);
  }
}

/** Another person already has this email (the blind index is unique). */
export class EmailTakenError extends PersonDataError {
  override readonly name = "EmailTakenError";
  constructor() {
    super("email_taken", "another person is registered with this email address");
  }
}

export class InvalidPersonDataError extends PersonDataError {
  override readonly name = "InvalidPersonDataError";
  constructor(message: string) {
    super("invalid", message);
  }
}
