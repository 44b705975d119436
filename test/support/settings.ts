// The lender settings the tests run with: the time zone every test lender keeps its days in (a setting in production,
// cdk.json's microloan:timeZone; fixed here so that the expected days and hours of the tests hold).
export const TIME_ZONE = 'Asia/Shanghai';
