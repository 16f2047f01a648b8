import type { Profile } from '@scaling/contract';

/** The author columns of an article or a comment row, joined as `users u`. */
export interface AuthorRow {
  author_username: string;
  author_bio: string | null;
  author_image: string | null;
  following: boolean;
}

/**
 * The author's profile as the viewer sees it, folded into the article or comment query: `viewer` is the SQL
 * parameter holding the viewer's id (NULL when anonymous: EXISTS is false), `authorId` the column to match.
 */
export function authorColumns(viewer: string, authorId: string): string {
  return `u.username AS author_username, u.bio AS author_bio, u.image AS author_image,
    EXISTS (SELECT 1 FROM follows fo WHERE fo.follower_id = ${viewer} AND fo.followee_id = ${authorId}) AS following`;
}

export function toAuthor(row: AuthorRow): Profile {
  return {
    username: row.author_username,
    bio: row.author_bio,
    image: row.author_image,
    following: row.following,
  };
}
