export type Sentiment = 'helpful' | 'not-helpful' | 'outdated' | 'missing';

export type Feedback = {
  answerId: string;
  platform: 'slack' | 'teams' | 'web' | 'cli';
  userId: string;
  reaction: string;
  sentiment: Sentiment;
  at: Date;
  comment?: string;
};
