// twitter-api-v2 settings
module.exports = {
  appKey: 'u8jzPde0IgxLd6GncfBAepfJB',
  appSecret: 'd0Kh8oOOL8dKLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFRIBX',
  accessToken: process.env.ACCESS_TOKEN,
  accessSecret: "9ojfljoQoaF1LlqsajAIxNKu8iS2G8NPRVdD53X83RZJz",
  clientId: `aklnOHhOYmUzbk55ak9xOXdNeEU6MTpjaQ`,
};
