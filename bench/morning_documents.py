"""The GraphQL documents of a fair morning: those the front end sends, as it sends them.

Copies of the pages' documents with their shared field lists written out;
``tests/test_fair_morning.py`` keeps them equal to the pages' own.
"""

FAIR_HALL = """
query FairHall($first: Int!, $filter: ProjectFilter, $organizations: OrganizationFilter, $supervisors: SupervisorFilter) {
  fair {
    id edition name isOpen opensAt closesAt
    stats { projectCount totalBudget awardedCount awardedBudget }
    projects(first: $first, filter: $filter) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node {
        id code title serviceClass procurement status budget bidCount keySupport minSocialWorkers community
        publisher { id name } district { id name }
        matchingOrganizations(first: 3) { score reasons organization { id name } }
      } }
    }
  }
  organizations(first: 6, filter: $organizations) {
    totalCount edges { node { id name grade socialWorkers serviceClasses districts { name } } }
  }
  supervisors(first: 6, filter: $supervisors) {
    totalCount edges { node { id name title affiliation expertise load maxLoad } }
  }
  districts { id name }
}
"""

FAIR_HALL_MORE = """
query FairHallMore($first: Int!, $after: String, $filter: ProjectFilter) {
  fair { projects(first: $first, after: $after, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node {
      id code title serviceClass procurement status budget bidCount keySupport minSocialWorkers community
      publisher { id name } district { id name }
      matchingOrganizations(first: 3) { score reasons organization { id name } }
    } }
  } }
}
"""

PROJECT_PAGE = """
query ProjectPage($id: ID!) {
  project(id: $id) {
    id code title description serviceClass projectType procurement status budget cityFunding districtFunding
    minSocialWorkers keySupport servicePeriodMonths beneficiaries beneficiaryCount qualifications
    communityOpinion community publishedAt bidCount withdrawnAt withdrawalReason
    fair { id name edition isOpen opensAt closesAt passMark criteria { key name weight } evaluationComponents { key name weight } }
    publisher { id name kind } district { id name } catalogItem { code name }
    bids(first: 50) { totalCount edges { node {
      id amount managementFee socialWorkers plan submittedAt status score rank releaseNotice organization { id name }
    } } }
    award { amount awardedAt organization { id name } bid { id score rank } }
    supervisor { id name title affiliation }
    evaluations { stage score passed at }
    payments { tranche share amount dueOn status paidAt }
    matchingOrganizations(first: 5) { score reasons organization { id name grade socialWorkers } }
    satisfaction {
      count minAnswers shown mean distribution score questions { key text mean }
      window { id code link qrCodeUrl posterUrl isOpen opensAt closesAt }
      comments(first: 50) { id text status submittedAt }
    }
  }
}
"""

ME = "query Me { me { username role organization { id name socialWorkers } supervisor { id name } publisher { id name district { id name } } } }"

# The page's login with ``token`` added: the session cookie is Secure in production and
# this load runs over plain HTTP, so the simulated browsers carry the bearer token instead.
LOGIN = """
mutation Login($username: String!, $password: String!) {
  login(username: $username, password: $password) { account {
    username role
    organization { id name socialWorkers }
    supervisor { id name }
    publisher { id name district { id name } }
  } errors { code field message } token }
}
"""

CLAIM_PROJECT = """
mutation ClaimProject($project: ID!, $bid: BidInput!) {
  claimProject(project: $project, bid: $bid) {
    bid { id amount managementFee socialWorkers plan submittedAt status score rank releaseNotice organization { id name } }
    project { id status bidCount }
    errors { code field message }
  }
}
"""

WITHDRAW_BID = "mutation WithdrawBid($bid: ID!) { withdrawBid(bid: $bid) { bid { id status } errors { code field message } } }"

ORGANIZATION_DASHBOARD = """
query OrganizationDashboard {
  me {
    username role
    organization {
      id name creditCode registrationKind socialWorkers grade restrictedUntil serviceClasses
      districts { id name }
      creditRecord { at kind note project { id title } }
      projects {
        id code title status budget
        award { amount awardedAt }
        supervisor { name }
        payments { tranche amount status }
        evaluations { stage score passed }
      }
      bids(first: 100) {
        edges { node {
          id amount managementFee status submittedAt score rank releaseNotice
          project { id code title procurement status budget bidCount }
        } }
      }
      matchingProjects(first: 6) {
        score reasons
        project { id code title budget status procurement bidCount publisher { name } district { name } }
      }
    }
  }
}
"""

REVIEW_QUEUE = """
query ReviewQueue($after: String) {
  me { username supervisor { id name title affiliation } }
  fair {
    id name isOpen closesAt criteria { key name weight }
    projects(first: 10, after: $after, filter: { procurement: COMPETITIVE, status: [BIDDING] }) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node {
        id code title budget serviceClass bidCount publisher { name } district { name }
        bids(first: 30) { edges { node {
          id amount managementFee socialWorkers plan submittedAt status score rank myReview { total at }
          organization { id name grade socialWorkers }
        } } }
      } }
    }
  }
}
"""

SCORE_BID = """
mutation ScoreBid($bid: ID!, $scores: [CriterionScoreInput!]!) {
  scoreBid(bid: $bid, scores: $scores) {
    bid { id score rank status }
    errors { code field message }
  }
}
"""

REVIEW_PROJECT = "query ReviewProject($id: ID!) { project(id: $id) { id bids(first: 30) { edges { node { id score rank status } } } } }"

BASELINE = "{ districts { id } }"
