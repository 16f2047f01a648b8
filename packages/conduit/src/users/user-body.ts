import type { IssuedSession } from '@scaling/sessions';
import type { UserRecord } from './user-repository.ts';

/** The user response; `refreshToken` only when the session store issued one (an extension to the spec). */
export const toUserBody = (user: UserRecord, session: IssuedSession) => ({
  user: {
    email: user.email,
    token: session.token,
    username: user.username,
    bio: user.bio,
    image: user.image,
    ...(session.refreshToken === undefined ? {} : { refreshToken: session.refreshToken }),
  },
});
