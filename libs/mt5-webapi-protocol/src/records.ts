// Web API JSON records as the server sends them: every scalar is a string (see docs/metatrader-apis.md 1.3, 1.5).

export interface WebApiUser {
  Login: string;
  Group: string;
  Name: string;
  FirstName: string;
  LastName: string;
  Email: string;
  Country: string;
  /** Older server builds leave out fields they do not have; readers default them. */
  Phone?: string;
  City?: string;
  Comment?: string;
  Leverage: string;
  Rights: string;
  Balance: string;
  Credit: string;
  Registration: string;
}

export interface WebApiTradeAccount {
  Login: string;
  Balance: string;
  Credit: string;
  Margin: string;
  MarginFree: string;
  MarginLevel: string;
  Equity: string;
  Profit: string;
}

export interface WebApiDeal {
  Deal: string;
  Login: string;
  Action: string;
  Time: string;
  TimeMsc: string;
  Profit: string;
  Comment: string;
  Symbol: string;
}
