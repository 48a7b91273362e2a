/** What a page for some roles shows everyone else: sign-in when signed out, else why not. */
import type { ReactNode } from "react";

import { SignInChoices } from "../pages/SignIn.tsx";
import { useSession } from "./session.tsx";

/** `message` says who may open the page; the server refuses the others as well. */
export function Refused({ title, message, testId }: { title: string; message: string; testId: string }): ReactNode {
  const { session } = useSession();
  return (
    <section>
      <h1>{title}</h1>
      {session === undefined ? (
        <SignInChoices />
      ) : (
        <p role="alert" className="error-box" data-testid={testId}>
          {message}
        </p>
      )}
    </section>
  );
}
