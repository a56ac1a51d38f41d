"""Full references for the outcome definitions (taken from CTNote's bibliography,
vignettes/refs/Brandt_Opioids.bib, and the CTN-0094 data documentation)."""

CTNOTE = (
    "Odom GJ, Brandt L, Luo SX, Balise RR. CTNote: CTN Outcomes, Treatments, and Endpoints. "
    "R package of the NIDA CTN-0094 project; endpoint library vignettes 'Relapse Outcomes', "
    "'Abstinence Outcomes' and 'Reduction Outcomes'. https://github.com/CTN-0094/CTNote"
)
CTN0094 = (
    "Balise RR, Hu MC, Odom GJ, Calderon A, Luo SX, Feaster DJ, et al. The Harmonization of "
    "'High Stakes' Clinical Trial Data (NIDA CTN-0094); R packages public.ctn0094data and "
    "public.ctn0094extra."
)
LEE_2016 = (
    "Lee JD, Friedmann PD, Kinlock TW, Nunes EV, Boney TY, Hoskinson RA, et al. Extended-Release "
    "Naltrexone to Prevent Opioid Relapse in Criminal Justice Offenders. N Engl J Med. "
    "2016;374(13):1232-1242. doi:10.1056/NEJMoa1505409"
)
KRUPITSKY_2004 = (
    "Krupitsky EM, Zvartau EE, Masalov DV, Tsoi MV, Burakov AM, Egorova VY, et al. Naltrexone for "
    "heroin dependence treatment in St. Petersburg, Russia. J Subst Abuse Treat. "
    "2004;26(4):285-294. doi:10.1016/j.jsat.2004.02.002"
)
FIELLIN_2006 = (
    "Fiellin DA, Pantalon MV, Chawarski MC, Moore BA, Sullivan LE, O'Connor PG, Schottenfeld RS. "
    "Counseling plus Buprenorphine-Naloxone Maintenance Therapy for Opioid Dependence. N Engl J "
    "Med. 2006;355(4):365-374. doi:10.1056/NEJMoa055255"
)
SCHOTTENFELD_2008 = (
    "Schottenfeld RS, Chawarski MC, Mazlan M. Maintenance treatment with buprenorphine and "
    "naltrexone for heroin dependence in Malaysia: a randomised, double-blind, placebo-controlled "
    "trial. Lancet. 2008;371(9631):2192-2200. doi:10.1016/S0140-6736(08)60954-X"
)
MOKRI_2016 = (
    "Mokri A, Chawarski MC, Taherinakhost H, Schottenfeld RS. Medical treatments for opioid use "
    "disorder in Iran: a randomized, double-blind placebo-controlled comparison of "
    "buprenorphine/naloxone and naltrexone maintenance treatment. Addiction. 2016;111(5):874-882. "
    "doi:10.1111/add.13259"
)
LING_2010 = (
    "Ling W, Casadonte P, Bigelow G, Kampman KM, Patkar A, Bailey GL, Rosenthal RN, Beebe KL. "
    "Buprenorphine Implants for Treatment of Opioid Dependence: A Randomized Controlled Trial. "
    "JAMA. 2010;304(14):1576-1583. doi:10.1001/jama.2010.1427"
)
